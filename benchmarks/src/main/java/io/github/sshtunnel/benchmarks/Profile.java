package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the Java execution samples of a flight recording
 * ({@code jdk.ExecutionSample}, as {@code jfr print --events jdk.ExecutionSample} lists
 * them one by one): the methods with the largest share of samples, inclusive (anywhere on
 * the stack) and self (on top). Run as
 * {@code java -jar ssh-tunnel-benchmarks.jar profile <file.jfr> [rows] [filter]}; with a
 * filter only samples with a frame whose class name contains it are counted.
 */
final class Profile {

	private Profile() {
	}

	static void main(String[] args) throws IOException {
		if (args.length < 1) {
			throw new IllegalArgumentException("Usage: profile <recording.jfr> [rows] [thread name prefix]");
		}
		int rows = (args.length > 1) ? Integer.parseInt(args[1]) : 30;
		String filter = (args.length > 2) ? args[2] : null;
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> self = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
			RecordedStackTrace stack = event.getStackTrace();
			if (!event.getEventType().getName().equals("jdk.ExecutionSample") || stack == null
					|| stack.getFrames().isEmpty()) {
				continue;
			}
			List<RecordedFrame> frames = stack.getFrames();
			if (filter != null && !event.getThread("sampledThread").getJavaName().startsWith(filter)) {
				continue;
			}
			samples++;
			self.merge(name(frames.get(0)), 1, Integer::sum);
			Set<String> seen = new HashSet<>();
			for (RecordedFrame frame : frames) {
				if (seen.add(name(frame))) {
					inclusive.merge(name(frame), 1, Integer::sum);
				}
			}
		}
		System.out.printf("%d Java execution samples%s; stacks are truncated at JFR's depth (64 frames)%n%n", samples,
				(filter != null) ? " on threads " + filter + "*" : "");
		print("inclusive", inclusive, samples, rows);
		print("self", self, samples, rows);
	}

	private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
		System.out.printf("| %s share | method |%n|---|---|%n", title);
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(rows)
			.forEach((entry) -> System.out.printf("| %.1f%% | `%s` |%n", 100.0 * entry.getValue() / samples,
					entry.getKey()));
		System.out.println();
	}

	private static String name(RecordedFrame frame) {
		RecordedMethod method = frame.getMethod();
		String type = method.getType().getName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
	}

}
