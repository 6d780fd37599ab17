package dev.butler.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a {@link MicroService} bean as a Firebird Butler service and declares its agent identity.
 * <p>
 * Each such bean is run by the Butler runtime: warmed up when the application starts, served on a
 * thread of its own, controlled over ICCP and stopped when the application stops. Its typed
 * configuration is bound from {@code butler.services.<id>.*}.
 *
 * @see MicroService
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface ButlerService {

	/**
	 * Alias for {@link #id()}.
	 * @return the service id
	 */
	@AliasFor("id")
	String value() default "";

	/**
	 * Service id: the key of its configuration under {@code butler.services} and its name in
	 * {@code /actuator/butler}. Defaults to the bean name.
	 * @return the service id
	 */
	@AliasFor("value")
	String id() default "";

	/**
	 * Agent uid as a UUID string. Defaults to {@code uuid5(NAMESPACE_OID, oid)} when an
	 * {@link #oid()} is given, otherwise to {@code uuid5(NAMESPACE_OID, name)}.
	 * @return the agent uid
	 */
	String uid() default "";

	/**
	 * ISO OID of the agent, from which Saturnin derives the agent uid.
	 * @return the agent OID
	 */
	String oid() default "";

	/**
	 * Agent name, e.g. {@code example.echo}. Defaults to the service id.
	 * @return the agent name
	 */
	String name() default "";

	/**
	 * Agent version.
	 * @return the agent version
	 */
	String version() default "0.0.0";

	/**
	 * Vendor uid as a UUID string. Defaults to the uid of this project.
	 * @return the vendor uid
	 */
	String vendor() default "";

	/**
	 * Agent classification, e.g. {@code example/echo}.
	 * @return the classification
	 */
	String classification() default "";

	/**
	 * Human-readable description of the service.
	 * @return the description
	 */
	String description() default "";

}
