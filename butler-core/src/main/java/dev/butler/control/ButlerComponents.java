package dev.butler.control;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;

/**
 * All components of this application, local services first, in a stable order.
 */
public final class ButlerComponents implements Iterable<ButlerComponent> {

	private final ObjectProvider<ButlerComponent> components;

	/**
	 * Create a registry over the component beans.
	 * @param components the component beans
	 */
	public ButlerComponents(ObjectProvider<ButlerComponent> components) {
		this.components = components;
	}

	/**
	 * Return the component with the given id.
	 * @param id the component id
	 * @return the component, if there is one
	 */
	public Optional<ButlerComponent> find(String id) {
		return list().stream().filter((component) -> component.id().equals(id)).findFirst();
	}

	/**
	 * Return all components.
	 * @return the components
	 */
	public List<ButlerComponent> list() {
		return this.components.orderedStream().toList();
	}

	@Override
	public Iterator<ButlerComponent> iterator() {
		return list().iterator();
	}

}
