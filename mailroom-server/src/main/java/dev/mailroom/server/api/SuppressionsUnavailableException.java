package dev.mailroom.server.api;

/** The operator did not carry out a change of a suppression list in time: 503, and that change never happens. */
class SuppressionsUnavailableException extends RuntimeException {
    SuppressionsUnavailableException(String why) {
        super(why + "; nothing was changed and this request will not take effect later, please retry");
    }

    /** An import whose first chunks were carried out: they stay, and importing the file again is safe. */
    SuppressionsUnavailableException(SuppressionsUnavailableException cause, int rowsDone) {
        super(
                cause.getMessage().replace("nothing was changed", "the rest of the file was not imported") + " ("
                        + rowsDone + " rows were imported before that; importing the whole file again is safe)",
                cause);
    }
}
