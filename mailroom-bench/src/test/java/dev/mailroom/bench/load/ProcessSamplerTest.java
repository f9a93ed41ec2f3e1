package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(ProcessSampler.sumOf(text, "jvm_memory_used_bytes{", "area=\"heap\"")).isEqualTo(3.5E7);
    }

    @Test
    void readsItsOwnCpuTimeFromProc() {
        assertThat(ProcessSampler.cpuTicks(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
        assertThat(ProcessSampler.statusKb(ProcessHandle.current().pid(), "VmHWM")).isPositive();
    }
}
