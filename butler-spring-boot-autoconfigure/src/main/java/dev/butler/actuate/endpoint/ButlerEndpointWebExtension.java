package dev.butler.actuate.endpoint;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.butler.actuate.endpoint.ButlerEndpoint.ControlAction;
import dev.butler.actuate.endpoint.ButlerEndpoint.ControlResult;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ButlerEndpoint}: answers 404 for
 * an unknown component and 409 when a control action failed.
 */
@EndpointWebExtension(endpoint = ButlerEndpoint.class)
public class ButlerEndpointWebExtension {

	private static final int STATUS_CONFLICT = 409;

	private final ButlerEndpoint delegate;

	/**
	 * Create a new web extension.
	 * @param delegate the endpoint
	 */
	public ButlerEndpointWebExtension(ButlerEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Control a component.
	 * @param id the component id
	 * @param action what to do
	 * @param options the options of a configure action
	 * @return the result: 200 on success, 409 if the action failed, 404 for an unknown component
	 */
	@WriteOperation
	public WebEndpointResponse<ControlResult> control(@Selector String id, ControlAction action,
			@Nullable String options) {
		ControlResult result = this.delegate.control(id, action, options);
		if (result == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(result,
				result.success() ? WebEndpointResponse.STATUS_OK : STATUS_CONFLICT);
	}

}
