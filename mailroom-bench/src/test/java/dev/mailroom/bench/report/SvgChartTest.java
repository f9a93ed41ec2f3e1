package dev.mailroom.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SvgChartTest {

    @Test
    void axesEndOnOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SvgChart.niceCeiling(0.7)).isEqualTo(1.0);
        assertThat(SvgChart.niceCeiling(130)).isEqualTo(200.0);
        assertThat(SvgChart.niceCeiling(3_400)).isEqualTo(5_000.0);
        assertThat(SvgChart.niceCeiling(7_000)).isEqualTo(10_000.0);
    }
}
