package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSamplerTest {

    @Test
    void sumsPrometheusSamplesOfOneMetricWithAGivenLabel() {
        String text = """
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
                """;
        assertThat(ProcessSampler.sumOf(text, "jvm_memory_used_bytes{", "area=\"heap\""))
                .isEqualTo(3.5E7);
    }

    @Test
    void readsItsOwnCpuTimeFromProc() {
        assertThat(ProcessSampler.cpuTicks(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
        assertThat(ProcessSampler.statusKb(ProcessHandle.current().pid(), "VmHWM"))
                .isPositive();
    }

    private static final long MIB = 1024 * 1024;

    @Test
    void heapFloorsAreTheLowestReadingsInTheFirstAndTheLastThirdOfTheWindow() {
        // A 30 s window from t = 100 s: thirds (100, 110], (110, 120], (120, 130]. Readings every other second.
        List<ProcessSampler.Sample> samples = new ArrayList<>();
        samples.add(sample(100, Map.of("operator", 10 * MIB))); // at the window's start: not in it
        samples.add(sample(104, Map.of("operator", 180 * MIB)));
        samples.add(sample(105, Map.of())); // a second without a reading is not a zero
        samples.add(sample(106, Map.of("operator", 120 * MIB, "dispatcher", 90 * MIB)));
        samples.add(sample(110, Map.of("operator", 150 * MIB))); // last second of the first third
        samples.add(sample(114, Map.of("operator", 60 * MIB))); // middle third: in neither floor
        samples.add(sample(121, Map.of("operator", 200 * MIB)));
        samples.add(sample(124, Map.of("operator", 170 * MIB)));
        samples.add(sample(130, Map.of("operator", 190 * MIB)));
        samples.add(sample(131, Map.of("operator", 5 * MIB))); // after the window

        ProcessSampler.HeapFloors operator = ProcessSampler.heapFloors(samples, "operator", 100_000_000, 130_000_000);
        assertThat(operator.firstThirdBytes()).isEqualTo(120 * MIB);
        assertThat(operator.lastThirdBytes()).isEqualTo(170 * MIB);

        ProcessSampler.HeapFloors dispatcher =
                ProcessSampler.heapFloors(samples, "dispatcher", 100_000_000, 130_000_000);
        assertThat(dispatcher.firstThirdBytes()).isEqualTo(90 * MIB);
        assertThat(dispatcher.lastThirdBytes())
                .as("no reading in the last third")
                .isEqualTo(-1);

        assertThat(ProcessSampler.heapFloors(samples, "rabbitmq", 100_000_000, 130_000_000))
                .isEqualTo(ProcessSampler.HeapFloors.NONE);
        assertThat(ProcessSampler.heapFloors(samples, "operator", 130_000_000, 130_000_000))
                .isEqualTo(ProcessSampler.HeapFloors.NONE);
    }

    private static ProcessSampler.Sample sample(long second, Map<String, Long> heap) {
        return new ProcessSampler.Sample(
                second * 1_000_000, Map.of("operator", 50.0), Map.of("operator", 300 * MIB), heap, 100, 0);
    }
}
