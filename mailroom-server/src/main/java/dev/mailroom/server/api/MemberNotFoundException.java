package dev.mailroom.server.api;

class MemberNotFoundException extends RuntimeException {
    MemberNotFoundException(String memberId) {
        super("no member '" + memberId
                + "' in your organization: a member appears once an email names them as a recipient's memberId");
    }
}
