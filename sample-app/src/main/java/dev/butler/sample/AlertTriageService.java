package dev.butler.sample;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

import dev.butler.queue.Disposition;
import dev.butler.queue.PiperService;
import dev.butler.queue.QueueMessage;
import dev.butler.service.ButlerService;

/**
 * A durable stage over directory queues: each message of its queue ({@code queue-in-dir}) is one
 * log line. WARN and ERROR lines become tickets, JSON documents handed on to the next queue
 * ({@code queue-out-dir}); other levels are dropped; anything that is not a log line is banished to
 * {@code errors/} with the reason beside it.
 */
@ButlerService(id = "alert-triage", oid = "2.25.156454599572089037576074315226745361353.3",
		vendor = SampleApplication.VENDOR,
		name = "sample.alert-triage", version = "0.1.0", classification = "sample/piper",
		description = "Turns WARN and ERROR log lines from a directory queue into tickets")
class AlertTriageService extends PiperService<Void> {

	private static final Pattern LOG_LINE = Pattern
		.compile("^(\\S+)\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s+\\[([^\\]]+)\\]\\s+(.*?)\\s*$");

	private static final JsonMapper JSON = JsonMapper.shared();

	@Override
	protected Disposition process(QueueMessage message) throws Exception {
		String line = new String(message.content(), StandardCharsets.UTF_8);
		Matcher matcher = LOG_LINE.matcher(line);
		if (!matcher.matches()) {
			return Disposition.banish("Not a log line of the form '<time> <LEVEL> [component] text'");
		}
		String level = matcher.group(2);
		if (!level.equals("WARN") && !level.equals("ERROR")) {
			return Disposition.cancel();
		}
		Map<String, String> ticket = new LinkedHashMap<>();
		ticket.put("time", matcher.group(1));
		ticket.put("component", matcher.group(3));
		ticket.put("priority", level.equals("ERROR") ? "high" : "normal");
		ticket.put("text", matcher.group(4));
		return Disposition.commit(JSON.writeValueAsBytes(ticket));
	}

}
