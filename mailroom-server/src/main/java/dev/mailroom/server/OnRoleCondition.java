package dev.mailroom.server;

import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

class OnRoleCondition implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
        Role[] roles = (Role[]) attributes.get("value");
        var running = Role.parse(context.getEnvironment().getProperty(Role.PROPERTY));
        return java.util.Arrays.stream(roles).anyMatch(running::contains);
    }
}
