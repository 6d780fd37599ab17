package dev.butler.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.butler.protocol.PeerDescriptor;
import dev.butler.protocol.iccp.IccpMessage;

/**
 * Caps the text a component reports before the controller keeps it: {@code /actuator/butler}
 * returns it on every GET, and logs and exceptions carry it. A longer string keeps its first
 * {@value #MAX_CHARS} characters and says how long it was, e.g.
 * {@code "… (truncated, 8388608 bytes)"}; the detail lines and the endpoints of one message keep
 * at most {@value #MAX_ITEMS} entries and {@value #MAX_TOTAL_CHARS} characters in all, and say how
 * many entries were left out.
 */
final class StoredText {

	/** Longest string kept: a detail line, an error text, a host name, a channel name or address. */
	static final int MAX_CHARS = 2048;

	/** Most characters kept of all the detail lines, or of all the endpoints, of one message. */
	static final int MAX_TOTAL_CHARS = 16 * 1024;

	/** Most detail lines, channels or addresses of a channel kept from one message. */
	static final int MAX_ITEMS = 100;

	private StoredText() {
	}

	/**
	 * Cap the text of a message from a component.
	 * @param message the message as decoded
	 * @return the message with every string capped
	 */
	static IccpMessage cap(IccpMessage message) {
		if (message instanceof IccpMessage.Ready ready) {
			PeerDescriptor peer = ready.peer();
			return new IccpMessage.Ready(new PeerDescriptor(peer.uid(), peer.pid(), cap(peer.host())),
					capEndpoints(ready.endpoints()));
		}
		if (message instanceof IccpMessage.Error error) {
			return new IccpMessage.Error(cap(error.message()));
		}
		if (message instanceof IccpMessage.Finished finished) {
			return new IccpMessage.Finished(finished.outcome(), capLines(finished.details()));
		}
		return message;
	}

	/**
	 * Cap one string.
	 * @param text the text
	 * @return the text, or its first {@value #MAX_CHARS} characters and its size in UTF-8 bytes
	 */
	static String cap(String text) {
		if (text.length() <= MAX_CHARS) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
		return text.substring(0, end) + "… (truncated, " + utf8Length(text) + " bytes)";
	}

	/**
	 * Cap a list of lines: each line, and all of them together.
	 * @param lines the lines
	 * @return the lines kept, followed by a line saying how many were left out, if any
	 */
	static List<String> capLines(List<String> lines) {
		List<String> kept = new ArrayList<>();
		int budget = MAX_TOTAL_CHARS;
		for (String line : lines) {
			String capped = cap(line);
			if (capped.length() > budget || kept.size() == MAX_ITEMS) {
				kept.add("… (truncated, " + (lines.size() - kept.size()) + " more lines)");
				break;
			}
			kept.add(capped);
			budget -= capped.length();
		}
		return List.copyOf(kept);
	}

	/**
	 * Cap the endpoints of a READY message: each name and address, and all of them together.
	 * @param endpoints the addresses by channel name
	 * @return the endpoints kept; a channel that lost addresses ends with an entry saying how many,
	 * and a last channel named {@code …} says how many channels were left out
	 */
	static Map<String, List<String>> capEndpoints(Map<String, List<String>> endpoints) {
		Map<String, List<String>> kept = new LinkedHashMap<>();
		int budget = MAX_TOTAL_CHARS;
		for (Map.Entry<String, List<String>> entry : endpoints.entrySet()) {
			String channel = cap(entry.getKey());
			if (channel.length() > budget || kept.size() == MAX_ITEMS) {
				kept.put("…", List.of("(truncated, " + (endpoints.size() - kept.size()) + " more channels)"));
				break;
			}
			budget -= channel.length();
			List<String> addresses = new ArrayList<>();
			for (String address : entry.getValue()) {
				String capped = cap(address);
				if (capped.length() > budget || addresses.size() == MAX_ITEMS) {
					addresses.add("… (truncated, " + (entry.getValue().size() - addresses.size()) + " more addresses)");
					break;
				}
				addresses.add(capped);
				budget -= capped.length();
			}
			kept.put(channel, List.copyOf(addresses));
		}
		return Collections.unmodifiableMap(kept);
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
