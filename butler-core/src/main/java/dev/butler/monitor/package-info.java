/**
 * The process monitor: samples of the JVM and of the processes of external command services and
 * their descendants ({@link dev.butler.monitor.ProcessSampler}, with OSHI), taken at an interval
 * and published on a ZeroMQ PUB socket ({@link dev.butler.monitor.ProcessMonitor}), and alarms when
 * a service passes a threshold ({@link dev.butler.monitor.AlarmThresholds}).
 */
@NullMarked
package dev.butler.monitor;

import org.jspecify.annotations.NullMarked;
