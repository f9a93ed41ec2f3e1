package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.security.SingleSignOn;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/** Without a provider configured there is no single sign-on: no OAuth2 beans, no route that starts one. */
@EndToEndTest
class SingleSignOnOffUnlessConfiguredTest {
    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void noProviderIsOfferedAndNoneIsSetUp() {
        ApiClient.Response options = new ApiClient(port).getWith("/api/v1/sign-in-options");

        assertThat(options.status()).isEqualTo(200);
        assertThat(options.json().get("singleSignOn").isEmpty()).isTrue();
        assertThat(context.getBeanProvider(SingleSignOn.class).getIfAvailable()).isNull();
        assertThat(context.getBeanProvider(ClientRegistrationRepository.class).getIfAvailable())
                .isNull();
    }

    @Test
    void theSingleSignOnAddressesAreClosedLikeAnyOtherUnknownRoute() {
        ApiClient api = new ApiClient(port);

        assertThat(api.getWith("/oauth2/authorization/anything").status()).isEqualTo(401);
        assertThat(api.getWith("/login/oauth2/code/anything?code=c&state=s").status())
                .isEqualTo(401);
    }
}
