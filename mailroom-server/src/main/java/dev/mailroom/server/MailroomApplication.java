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
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        // On a 2-core machine the common pool gets a parallelism of 1, and CompletableFuture's
        // async steps then start a new thread per task (the JDK HTTP client's completions among
        // them). Set before anything touches the pool; an explicit -D setting wins.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(
                    COMMON_POOL_PARALLELISM,
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
        SpringApplication.run(MailroomApplication.class, args);
    }
}
