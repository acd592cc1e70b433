package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected strings are what NumPy 2.4 and Python 3.11 print for the same values. */
class NumpyFormatTest {

    @Test
    void positionalArraysAlignSignsAndPoints() {
        assertEquals("[[ 0.    0.5 ]\n [ 1.   -2.25]]", NumpyFormat.array(new double[][] {{0, 0.5}, {1, -2.25}}, false));
        assertEquals("[[-1.5]\n [10. ]]", NumpyFormat.array(new double[][] {{-1.5}, {10}}, false));
        assertEquals("[[0.3        0.33333333]]", NumpyFormat.array(new double[][] {{0.1 + 0.2, 1.0 / 3}}, false));
    }

    @Test
    void wideRangesGoScientificWithEqualMantissas() {
        assertEquals("[[1.e-05 1.e+00]]", NumpyFormat.array(new double[][] {{1e-5, 1}}, false));
        assertEquals("[[ 1.23456789e+05 -1.00000000e-03]]",
                NumpyFormat.array(new double[][] {{123456.789, -0.001}}, false));
        assertEquals("[[1.0e+10 2.5e+10]]", NumpyFormat.array(new double[][] {{1e10, 2.5e10}}, false));
    }

    @Test
    void scalarsAsPythonRepr() {
        assertEquals("0.30000000000000004", NumpyFormat.scalar(0.1 + 0.2, false));
        assertEquals("1e-05", NumpyFormat.scalar(1e-5, false));
        assertEquals("1e+16", NumpyFormat.scalar(1e16, false));
        assertEquals("123.0", NumpyFormat.scalar(123, false));
        assertEquals("0.00025", NumpyFormat.scalar(2.5e-4, false));
        assertEquals("1234567890123456.8", NumpyFormat.scalar(1234567890123456.7, false));
        assertEquals("0.1", NumpyFormat.scalar((float) 0.1, true));
    }
}
