package dev.butler.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;

import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerController;
import dev.butler.runtime.ServiceRuntime;

/**
 * Matches when the Butler runtime is there: its services' runtime, controller and components, as
 * {@link ButlerAutoConfiguration} makes them unless {@code butler.enabled=false}. For
 * auto-configurations ordered after {@link ButlerAutoConfiguration}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnBean({ ServiceRuntime.class, ButlerController.class, ButlerComponents.class })
public @interface ConditionalOnButlerRuntime {

}
