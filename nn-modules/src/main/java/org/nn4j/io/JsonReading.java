package org.nn4j.io;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads values out of a JSON tree, failing with the file and the path of the value that is wrong. */
final class JsonReading {
    private final String where;

    JsonReading(String where) {
        this.where = where;
    }

    InvalidInputException error(String message) {
        return new InvalidInputException(where + ": " + message);
    }

    JsonNode field(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw error("missing key '" + name + "'");
        }
        return value;
    }

    JsonNode object(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (!value.isObject()) {
            throw error("'" + name + "' must be an object");
        }
        return value;
    }

    JsonNode array(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (!value.isArray()) {
            throw error("'" + name + "' must be a list");
        }
        return value;
    }

    String text(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (!value.isTextual()) {
            throw error("'" + name + "' must be a string");
        }
        return value.asText();
    }

    int positiveInt(JsonNode value, String path) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            throw error(path + " must be a whole number of at least 1, not " + value);
        }
        return value.asInt();
    }

    double number(JsonNode value, String path) {
        if (!value.isNumber()) {
            throw error(path + " must be a number, not " + value);
        }
        double number = value.asDouble();
        if (!Double.isFinite(number)) {
            throw error(path + " must be finite, not " + value);
        }
        return number;
    }

    /** A non-empty list of equally long, non-empty lists of numbers. */
    double[][] matrix(JsonNode value, String path) {
        if (!value.isArray() || value.isEmpty() || !value.get(0).isArray() || value.get(0).isEmpty()) {
            throw error(path + " must be a matrix: a list of rows, each a list of numbers");
        }
        int cols = value.get(0).size();
        double[][] rows = new double[value.size()][cols];
        for (int i = 0; i < rows.length; i++) {
            JsonNode row = value.get(i);
            if (!row.isArray() || row.size() != cols) {
                throw error(path + "[" + i + "] must be a list of " + cols + " numbers like the first row, not "
                        + row);
            }
            for (int j = 0; j < cols; j++) {
                rows[i][j] = number(row.get(j), path + "[" + i + "][" + j + "]");
            }
        }
        return rows;
    }
}
