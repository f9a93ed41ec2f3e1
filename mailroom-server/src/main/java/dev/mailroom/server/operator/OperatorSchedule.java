package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * The operator's clock: releasing due dispatches and repeating the settings broadcast, at the
 * intervals of {@link MailroomProperties.Operator} (typed, described, one default each) rather than
 * placeholders in annotations.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.OPERATOR)
class OperatorSchedule implements SchedulingConfigurer {
    /** Lets the first broadcast follow the start instead of racing it. */
    private static final Duration FIRST_BROADCAST_AFTER = Duration.ofSeconds(1);

    private final DueDispatchReleaser releaser;
    private final SettingsKeeper settings;
    private final MailroomProperties.Operator operator;

    OperatorSchedule(DueDispatchReleaser releaser, SettingsKeeper settings, MailroomProperties properties) {
        this.releaser = releaser;
        this.settings = settings;
        this.operator = properties.operator();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(
                new FixedDelayTask(releaser::releaseDue, operator.releaseInterval(), Duration.ZERO));
        registrar.addFixedDelayTask(new FixedDelayTask(
                settings::broadcastNow, operator.settingsBroadcastInterval(), FIRST_BROADCAST_AFTER));
    }
}
