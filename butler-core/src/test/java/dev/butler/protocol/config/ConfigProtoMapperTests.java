package dev.butler.protocol.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import org.junit.jupiter.api.Test;

import dev.butler.protocol.proto.ConfigProto;
import dev.butler.protocol.proto.Value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConfigProtoMapper}.
 */
class ConfigProtoMapperTests {

	@Test
	void toProtoShouldMapScalarsToValueKinds() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("string", "text");
		config.put("bool", true);
		config.put("int", 42);
		config.put("short", (short) -3);
		config.put("byte", (byte) 7);
		config.put("long", 5_000_000_000L);
		config.put("float", 1.5f);
		config.put("double", 2.25);
		config.put("decimal", new BigDecimal("0.5"));
		config.put("bytes", new byte[] { 1, 2 });
		config.put("enum", TimeUnit.SECONDS);
		config.put("duration", Duration.ofMillis(1500));
		Map<String, Value> options = ConfigProtoMapper.toProto(config).getOptionsMap();
		assertThat(options).hasSize(12);
		assertThat(options.get("string")).isEqualTo(Value.newBuilder().setAsString("text").build());
		assertThat(options.get("bool")).isEqualTo(Value.newBuilder().setAsBool(true).build());
		assertThat(options.get("int")).isEqualTo(Value.newBuilder().setAsSint32(42).build());
		assertThat(options.get("short")).isEqualTo(Value.newBuilder().setAsSint32(-3).build());
		assertThat(options.get("byte")).isEqualTo(Value.newBuilder().setAsSint32(7).build());
		assertThat(options.get("long")).isEqualTo(Value.newBuilder().setAsSint64(5_000_000_000L).build());
		assertThat(options.get("float")).isEqualTo(Value.newBuilder().setAsFloat(1.5f).build());
		assertThat(options.get("double")).isEqualTo(Value.newBuilder().setAsDouble(2.25).build());
		assertThat(options.get("decimal")).isEqualTo(Value.newBuilder().setAsDouble(0.5).build());
		assertThat(options.get("bytes"))
			.isEqualTo(Value.newBuilder().setAsBytes(ByteString.copyFrom(new byte[] { 1, 2 })).build());
		assertThat(options.get("enum")).isEqualTo(Value.newBuilder().setAsString("SECONDS").build());
		assertThat(options.get("duration")).isEqualTo(Value.newBuilder().setAsString("PT1.5S").build());
	}

	@Test
	void toProtoShouldJoinListsWithComma() {
		ConfigProto proto = ConfigProtoMapper.toProto(Map.of("list", List.of("a", 1, TimeUnit.DAYS, true)));
		assertThat(proto.getOptionsOrThrow("list").getAsString()).isEqualTo("a,1,DAYS,true");
		assertThat(ConfigProtoMapper.toProto(Map.of("empty", Set.of())).getOptionsOrThrow("empty").getAsString())
			.isEmpty();
	}

	@Test
	void toProtoShouldMapNestedMapsToConfigs() {
		ConfigProto proto = ConfigProtoMapper.toProto(Map.of("pipe", "p", "worker", Map.of("batch_size", 5)));
		assertThat(proto.getOptionsMap()).containsOnlyKeys("pipe");
		assertThat(proto.getConfigsOrThrow("worker").getOptionsOrThrow("batch_size").getAsSint32()).isEqualTo(5);
	}

	@Test
	void toProtoShouldLeaveOutNullValues() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("unset", null);
		assertThat(ConfigProtoMapper.toProto(config)).isEqualTo(ConfigProto.getDefaultInstance());
	}

	@Test
	void toProtoShouldRejectUnsupportedTypes() {
		assertThatIllegalArgumentException().isThrownBy(() -> ConfigProtoMapper.toProto(Map.of("when", new Object())))
			.withMessage("Unsupported type java.lang.Object for option 'when'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConfigProtoMapper.toProto(Map.of("outer", Map.of("big", BigInteger.TEN))))
			.withMessage("Unsupported type java.math.BigInteger for option 'outer.big'");
	}

	@Test
	void toProtoShouldRejectUnsupportedListItems() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConfigProtoMapper.toProto(Map.of("list", List.of(new ArrayList<>(List.of("nested"))))))
			.withMessage("Unsupported list item type java.util.ArrayList for option 'list'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConfigProtoMapper.toProto(Map.of("list", List.of("a,b"))))
			.withMessage("List item 'a,b' of option 'list' must not contain ','");
	}

	@Test
	void toProtoShouldRejectNonStringKeysInNestedMaps() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConfigProtoMapper.toProto(Map.of("outer", Map.of(1, "one"))))
			.withMessage("Configuration keys must be strings, got java.lang.Integer key '1' in 'outer'");
	}

	@Test
	void toMapShouldMapValueKinds() {
		Any any = Any.pack(Struct.getDefaultInstance());
		ConfigProto proto = ConfigProto.newBuilder()
			.putOptions("string", Value.newBuilder().setAsString("text").build())
			.putOptions("bytes", Value.newBuilder().setAsBytes(ByteString.copyFrom(new byte[] { 9 })).build())
			.putOptions("bool", Value.newBuilder().setAsBool(true).build())
			.putOptions("double", Value.newBuilder().setAsDouble(2.5).build())
			.putOptions("float", Value.newBuilder().setAsFloat(1.5f).build())
			.putOptions("sint32", Value.newBuilder().setAsSint32(-1).build())
			.putOptions("sint64", Value.newBuilder().setAsSint64(-2L).build())
			.putOptions("uint32", Value.newBuilder().setAsUint32(-1).build())
			.putOptions("uint64", Value.newBuilder().setAsUint64(7L).build())
			.putOptions("msg", Value.newBuilder().setAsMsg(any).build())
			.build();
		Map<String, Object> map = ConfigProtoMapper.toMap(proto);
		assertThat(map).containsEntry("string", "text")
			.containsEntry("bool", true)
			.containsEntry("double", 2.5)
			.containsEntry("float", 1.5f)
			.containsEntry("sint32", -1)
			.containsEntry("sint64", -2L)
			.containsEntry("uint32", 4_294_967_295L)
			.containsEntry("uint64", 7L)
			.containsEntry("msg", any);
		assertThat(map.get("bytes")).isEqualTo(new byte[] { 9 });
	}

	@Test
	void toMapShouldSortOptionsThenConfigs() {
		ConfigProto proto = ConfigProto.newBuilder()
			.putConfigs("b_config", ConfigProto.getDefaultInstance())
			.putOptions("z", Value.newBuilder().setAsBool(false).build())
			.putConfigs("a_config",
					ConfigProto.newBuilder().putOptions("y", Value.newBuilder().setAsString("1").build()).build())
			.putOptions("a", Value.newBuilder().setAsBool(true).build())
			.build();
		Map<String, Object> map = ConfigProtoMapper.toMap(proto);
		assertThat(map).isInstanceOf(LinkedHashMap.class);
		assertThat(map.keySet()).containsExactly("a", "z", "a_config", "b_config");
		assertThat(map.get("a_config")).isEqualTo(Map.of("y", "1"));
		assertThat(map.get("b_config")).isEqualTo(Map.of());
	}

	@Test
	void toMapShouldRejectOptionWithoutValue() {
		ConfigProto proto = ConfigProto.newBuilder()
			.putConfigs("outer", ConfigProto.newBuilder().putOptions("empty", Value.getDefaultInstance()).build())
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> ConfigProtoMapper.toMap(proto))
			.withMessage("Option 'outer.empty' has no value");
	}

	@Test
	void toMapShouldRejectNameUsedByOptionAndConfig() {
		ConfigProto proto = ConfigProto.newBuilder()
			.putOptions("twice", Value.newBuilder().setAsBool(true).build())
			.putConfigs("twice", ConfigProto.getDefaultInstance())
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> ConfigProtoMapper.toMap(proto))
			.withMessage("'twice' is both an option and a nested configuration");
	}

	@Test
	void roundTripShouldPreserveValues() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("batch_size", 50);
		config.put("pipe", "data");
		config.put("stop_on_close", true);
		config.put("nested", Map.of("ready_schedule_interval", 1000L));
		assertThat(ConfigProtoMapper.toMap(ConfigProtoMapper.toProto(config))).isEqualTo(config);
	}

}
