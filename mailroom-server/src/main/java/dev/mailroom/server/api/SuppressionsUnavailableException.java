package dev.mailroom.server.api;

/** The operator did not carry out a change of a suppression list in time: 503, and that change never happens. */
class SuppressionsUnavailableException extends RuntimeException {
    SuppressionsUnavailableException(String why) {
        super(why + "; nothing was changed and this request will not take effect later, please retry");
    }

    /** An import whose first chunks were carried out: they stay, and importing the file again is safe. */
    SuppressionsUnavailableException(SuppressionsUnavailableException cause, int rowsDone) {
        super(
                "the operator did not carry out the rest of the import in time: the first " + rowsDone
                        + " valid rows were imported, the others were not and will not be later; importing the"
                        + " whole file again is safe (rows already listed are counted as alreadyListed)",
                cause);
    }
}
