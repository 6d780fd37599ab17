package dev.butler.monitor;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the process monitor raises an {@link ProcessAlarm alarm}.
 */
public class ProcessAlarmEvent extends ApplicationEvent {

	private final ProcessAlarm alarm;

	/**
	 * Create an event.
	 * @param source the monitor
	 * @param alarm the alarm
	 */
	public ProcessAlarmEvent(Object source, ProcessAlarm alarm) {
		super(source);
		this.alarm = alarm;
	}

	/**
	 * Return the alarm.
	 * @return the alarm
	 */
	public ProcessAlarm alarm() {
		return this.alarm;
	}

}
