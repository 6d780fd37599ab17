package dev.butler.autoconfigure.endpoint;

import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties of the {@code butler} endpoint, beside Boot's own
 * {@code management.endpoint.butler.access}.
 *
 * @param showValues when to show the values of each service's configuration; keys that look like
 * credentials are masked in any case
 * @param roles roles used to tell whether a user is authorized to see the values; when empty, any
 * authenticated user is
 */
@ConfigurationProperties("management.endpoint.butler")
public record ButlerEndpointProperties(@DefaultValue("never") Show showValues, @DefaultValue Set<String> roles) {

}
