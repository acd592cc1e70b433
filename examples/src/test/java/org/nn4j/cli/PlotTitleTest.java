package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.font.FontRenderContext;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** A plot's title fits its width: a smaller font first, then an ellipsis in the middle, both ends kept. */
class PlotTitleTest {
    private static double width(XYChart chart, String text) {
        return chart.getStyler().getChartTitleFont().getStringBounds(text, new FontRenderContext(null, true, true))
                .getWidth();
    }

    @Test
    void aShortTitleStaysWholeAndALongOneKeepsItsEnds() {
        XYChart chart = new XYChartBuilder().width(900).height(520).build();
        assertEquals("[784] linear(out_features=10), ce on ejml, float32",
                Reports.fitTitle(chart, "[784] linear(out_features=10), ce on ejml, float32", 700));
        String title = "[5]" + " linear(out_features=32) leaky_relu(negative_slope=0.01)".repeat(12)
                + " linear(out_features=2), mse on ejml, float32";
        String shown = Reports.fitTitle(chart, title, 700);
        assertTrue(shown.startsWith("[5] linear(out_features=32)"), shown);
        assertTrue(shown.endsWith("linear(out_features=2), mse on ejml, float32"), shown);
        assertTrue(shown.contains(" ... "), shown);
        assertTrue(width(chart, shown) <= 700, shown);
        assertEquals(9f, chart.getStyler().getChartTitleFont().getSize2D());
    }
}
