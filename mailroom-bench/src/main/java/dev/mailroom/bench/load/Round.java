package dev.mailroom.bench.load;

/** Figures as the report shows them: one or two decimals are all a noisy benchmark can claim. */
final class Round {
    private Round() {}

    static double one(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double two(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
