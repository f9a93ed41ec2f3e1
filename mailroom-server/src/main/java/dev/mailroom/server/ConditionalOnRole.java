package dev.mailroom.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/** The bean exists only in processes that run the role, or one of the roles ({@code mailroom.roles}). */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Conditional(OnRoleCondition.class)
public @interface ConditionalOnRole {
    Role[] value();
}
