package dev.floe.raft.benchmarks;

/**
 * One score divided by another, with the error propagated: for independent scores a ± ea and
 * b ± eb, the relative error of a/b is sqrt((ea/a)² + (eb/b)²) (first-order propagation).
 */
public record Ratio(double value, double error) {

    public static Ratio of(double a, double errorA, double b, double errorB) {
        if (!(b > 0)) throw new IllegalArgumentException("denominator must be positive: " + b);
        double value = a / b;
        double relA = a == 0 ? 0 : errorA / a;
        double relB = errorB / b;
        return new Ratio(value, Math.abs(value) * Math.sqrt(relA * relA + relB * relB));
    }

    /** Whether even the low end of the error bar reaches {@code target}. */
    public boolean meets(double target) {
        return value - error >= target;
    }
}
