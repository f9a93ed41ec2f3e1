package dev.mailroom.server.dashboard;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web dashboard: static files under {@code static/dashboard/} that use the REST API in the
 * session of the person signed in. Spring Boot serves static files in every process; these routes,
 * which are how people reach the dashboard, exist only where the API runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class DashboardPages implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", "/dashboard/");
        registry.addRedirectViewController("/dashboard", "/dashboard/");
        // Boot's welcome page covers only "/"; the dashboard lives one level down.
        registry.addViewController("/dashboard/").setViewName("forward:/dashboard/index.html");
    }
}
