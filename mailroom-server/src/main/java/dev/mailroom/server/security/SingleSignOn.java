package dev.mailroom.server.security;

import java.util.List;

/** The single sign-on providers a browser may use, listed on the sign-in page; none unless configured. */
public interface SingleSignOn {
    /** @param url where the browser goes to sign in with this provider */
    record Provider(String id, String name, String url) {}

    List<Provider> providers();
}
