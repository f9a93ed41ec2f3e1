package dev.mailroom.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The option syntax every command of mailroom-bench shares: {@code --name value}, {@code --name=value}, {@code --flag}. */
public final class CommandLineOptions {
    private CommandLineOptions() {}

    /**
     * @param flags names that take no value (given alone they mean "true")
     * @return each name's values, in the order given (an option may repeat)
     * @throws IllegalArgumentException for an argument that is not an option, or an option without its value
     */
    public static Map<String, List<String>> parse(String[] args, Set<String> flags) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return values;
    }

    /** Reads named values once each, so that a misspelt option is an error rather than ignored. */
    public static final class Values {
        private final Map<String, List<String>> values;
        private final Set<String> read = new java.util.HashSet<>();

        public Values(Map<String, List<String>> values) {
            this.values = values;
        }

        public String text(String name, String fallback) {
            read.add(name);
            List<String> v = values.get(name);
            return v == null ? fallback : v.get(v.size() - 1);
        }

        public long number(String name, long fallback) {
            String v = text(name, null);
            try {
                return v == null ? fallback : Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + v + "'");
            }
        }

        public double decimal(String name, double fallback) {
            String v = text(name, null);
            return v == null ? fallback : Double.parseDouble(v);
        }

        public boolean flag(String name) {
            return Boolean.parseBoolean(text(name, "false"));
        }

        public List<String> all(String name) {
            read.add(name);
            return List.copyOf(values.getOrDefault(name, List.of()));
        }

        /** @throws IllegalArgumentException naming the first option given that nothing read */
        public void rejectUnknown() {
            for (String name : values.keySet()) {
                if (!read.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
            }
        }
    }
}
