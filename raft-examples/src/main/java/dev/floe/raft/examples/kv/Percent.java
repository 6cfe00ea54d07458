package dev.floe.raft.examples.kv;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Strict percent-decoding of URL parts (RFC 3986) into UTF-8 text; pure functions. */
final class Percent {
    private Percent() {
    }

    /**
     * Decodes {@code %XX} escapes (and, when {@code plusIsSpace}, {@code +} as a space, as in query
     * strings) and checks that the bytes are valid UTF-8.
     *
     * @throws IllegalArgumentException on a truncated or non-hex escape or invalid UTF-8
     */
    static String decode(String text, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) throw new IllegalArgumentException("truncated %-escape in '" + text + "'");
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad %-escape in '" + text + "'");
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c > 0x7e || c < 0x21) {
                throw new IllegalArgumentException("unescaped character " + (int) c + " in the URL");
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the URL does not decode to UTF-8 text");
        }
    }

    /** Parses {@code a=1&b=x} into an ordered map; a repeated name or a malformed escape is refused. */
    static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.isEmpty()) return params;
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            if (params.put(name, value) != null) throw new IllegalArgumentException("query parameter '" + name + "' given twice");
        }
        return params;
    }
}
