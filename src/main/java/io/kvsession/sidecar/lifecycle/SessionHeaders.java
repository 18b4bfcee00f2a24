package io.kvsession.sidecar.lifecycle;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kvsession.sidecar.SidecarException;
import io.kvsession.sidecar.config.SidecarConfig;

/**
 * Sessions named by the generate request's headers (SPEC §9.1), as Dynamo's and llm-d's routers send them: the first
 * configured session header present names the session, the first parent header its parent, and a final header
 * {@code true} closes it after the request. Header names are case-insensitive; values obey the id rules, and a bad
 * one is a 400 naming the header.
 */
final class SessionHeaders {

    /** What the headers say; {@code sessionId} null when no session header is present. */
    record Named(String sessionId, String parentSessionId, boolean last) {
    }

    private final List<String> sessionHeaders;
    private final List<String> parentHeaders;
    private final List<String> finalHeaders;

    SessionHeaders(SidecarConfig.Routing routing) {
        this.sessionHeaders = lower(routing.sessionHeaders());
        this.parentHeaders = lower(routing.parentSessionHeaders());
        this.finalHeaders = lower(routing.finalHeaders());
    }

    Named read(Map<String, String> headers) {
        Map<String, String> byName = new HashMap<>();
        headers.forEach((name, value) -> {
            if (name == null) {
                throw SidecarException.invalid("headers", "must not have an empty name");
            }
            byName.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
        });
        return new Named(first(byName, sessionHeaders), first(byName, parentHeaders), last(byName));
    }

    private static String first(Map<String, String> byName, List<String> names) {
        for (String name : names) {
            if (byName.containsKey(name)) {
                return Inputs.requireId("headers." + name, byName.get(name));
            }
        }
        return null;
    }

    private boolean last(Map<String, String> byName) {
        for (String name : finalHeaders) {
            String value = byName.get(name);
            if (value == null) {
                continue;
            }
            String flag = value.trim();
            if (flag.equalsIgnoreCase("true")) {
                return true;
            }
            if (!flag.equalsIgnoreCase("false")) {
                throw SidecarException.invalid("headers." + name, "must be true or false, was '" + value + "'");
            }
        }
        return false;
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT)).toList();
    }
}
