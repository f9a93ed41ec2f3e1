package dev.mailroom.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** One jar, any subset of the roles api, webhooks, operator, dispatcher ({@code mailroom.roles}). */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MailroomApplication {
    public static void main(String[] args) {
        SpringApplication.run(MailroomApplication.class, args);
    }
}
