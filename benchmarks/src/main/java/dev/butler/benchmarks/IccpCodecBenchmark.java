package dev.butler.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.butler.protocol.config.ConfigProtoMapper;
import dev.butler.protocol.iccp.IccpCodec;
import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.service.ConfigurationRequest;

/**
 * CPU cost of ICCP messages, as a micro reference for the round trips:
 * <ul>
 * <li>{@code requestEncodeDecode}: encode a REQUEST/CONF with a small {@code ConfigProto} to frames
 * and decode it;</li>
 * <li>{@code confCpuPath}: all the CPU work of one CONF→OK round trip in the framework, without the
 * transport: map to {@code ConfigProto}, REQUEST to a {@code ZMsg} and back, {@code ConfigProto} to
 * map, OK to a {@code ZMsg} and back.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IccpCodecBenchmark {

	private final Map<String, Object> options = Map.of("k", 1);

	private final IccpMessage request = new IccpMessage.Request(ConfigProtoMapper.toProto(this.options));

	@Benchmark
	public IccpMessage requestEncodeDecode() {
		return IccpCodec.decode(IccpCodec.encode(this.request));
	}

	@Benchmark
	public Object confCpuPath() {
		IccpMessage sent = new IccpMessage.Request(ConfigProtoMapper.toProto(this.options));
		IccpMessage received = IccpCodec.decode(IccpCodec.encode(sent));
		IccpMessage.Request conf = (IccpMessage.Request) received;
		ConfigurationRequest handled = new ConfigurationRequest(conf.config(), ConfigProtoMapper.toMap(conf.config()));
		IccpMessage answer = IccpCodec.decode(IccpCodec.encode(IccpMessage.OK));
		return (answer == IccpMessage.OK) ? handled : null;
	}

}
