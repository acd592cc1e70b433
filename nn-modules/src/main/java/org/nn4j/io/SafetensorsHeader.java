package org.nn4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header, read by a streaming parser that checks each bound of {@link Safetensors} as it
 * counts: the metadata entries, the tensors and their dimensions, so that reading a header costs no
 * more memory than its size a few times over.
 *
 * @param metadata the {@code __metadata__} entries, in file order
 * @param entries the tensors' entries, in file order
 */
record SafetensorsHeader(Map<String, String> metadata, List<SafetensorsHeader.Entry> entries) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Safetensors.MAX_HEADER_BYTES)
                    .maxNestingDepth(8).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * Reads a header (the JSON after the length) with a streaming parser that counts as it goes.
     *
     * @param dataLength the bytes after the header, which every tensor must lie within
     */
    static SafetensorsHeader parse(byte[] bytes, String file, long dataLength) {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        // The header is UTF-8 JSON; a zero byte would have the parser guess UTF-16 or UTF-32.
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            if (bytes[i] == 0) {
                throw new InvalidInputException(file + ": the header is not valid JSON (a zero byte at byte " + (8 + i)
                        + "; the header is UTF-8 text)");
            }
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException(file + ": the header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("__metadata__")) {
                    readMetadata(p, value, file, metadata);
                } else {
                    if (entries.size() == Safetensors.MAX_TENSORS) {
                        throw new InvalidInputException(file + ": more than " + Safetensors.MAX_TENSORS
                                + " tensors; nn4j reads at most " + Safetensors.MAX_TENSORS + " from one file");
                    }
                    entries.add(Entry.parse(p, value, file, name, dataLength));
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidInputException(file + ": text after the header's JSON object, at byte "
                        + (8 + p.currentTokenLocation().getByteOffset()));
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": the header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            // Bytes in memory fail to be read only as text: characters the parser could not decode.
            throw new InvalidInputException(file + ": the header is not valid JSON (" + e.getMessage() + ")");
        }
        return new SafetensorsHeader(metadata, entries);
    }

    private static void readMetadata(JsonParser p, JsonToken value, String file, Map<String, String> metadata)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw new InvalidInputException(file + ": __metadata__ is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new InvalidInputException(file + ": metadata '" + InvalidInputException.shown(key)
                        + "' is not a string; safetensors metadata maps strings to strings");
            }
            if (metadata.size() == Safetensors.MAX_METADATA) {
                throw new InvalidInputException(file + ": more than " + Safetensors.MAX_METADATA
                        + " metadata entries; nn4j reads at most " + Safetensors.MAX_METADATA
                        + " (a model needs fewer than ten)");
            }
            metadata.put(key, p.getText());
        }
    }

    /** One tensor's header entry, checked against the data's length. */
    record Entry(String name, String dtype, long[] shape, long begin, long end) {

        /** The entry whose value begins at {@code value}, read field by field. */
        static Entry parse(JsonParser p, JsonToken value, String file, String name, long dataLength)
                throws IOException {
            String where = file + ": tensor '" + InvalidInputException.shown(name) + "'";
            String needs = where + " needs dtype, shape and data_offsets [begin, end]";
            if (value != JsonToken.START_OBJECT) {
                throw new InvalidInputException(needs);
            }
            String dtype = null;
            List<JsonNodeText> shapeText = null;
            long[] offsets = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                switch (field) {
                    case "dtype" -> dtype = token == JsonToken.VALUE_STRING ? p.getText() : "";
                    case "shape" -> shapeText = wholeNumbers(p, token, where, "shape", Safetensors.MAX_DIMENSIONS);
                    case "data_offsets" -> {
                        List<JsonNodeText> o = wholeNumbers(p, token, where, "data_offsets", 2);
                        offsets = o == null || o.size() != 2 ? null : new long[] {o.get(0).value, o.get(1).value};
                    }
                    default -> p.skipChildren();
                }
            }
            if (dtype == null || shapeText == null || offsets == null) {
                throw new InvalidInputException(needs);
            }
            if (!dtype.equals("F32") && !dtype.equals("F64") && !dtype.equals("I64")) {
                throw new InvalidInputException(where + " has dtype " + InvalidInputException.shown(dtype)
                        + "; nn4j reads F32, F64 and I64");
            }
            long[] shape = new long[shapeText.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeText.get(i).value;
                if (shape[i] < 0) {
                    throw new InvalidInputException(where + " has shape " + InvalidInputException.shown(
                            JsonNodeText.list(shapeText)) + "; dimensions are whole numbers of at least 0");
                }
                count = shape[i] == 0 || count == 0 ? 0 : count > Long.MAX_VALUE / 8 / shape[i] ? -1 : count * shape[i];
                if (count < 0) {
                    throw new InvalidInputException(where + " has shape " + InvalidInputException.shown(
                            JsonNodeText.list(shapeText)) + ", more values than any file holds");
                }
            }
            long begin = offsets[0];
            long end = offsets[1];
            int elementBytes = Safetensors.Tensor.elementBytes(dtype);
            if (begin < 0 || end < begin || end > dataLength) {
                throw new InvalidInputException(where + ": data_offsets " + InvalidInputException.shown("[" + offsets[0]
                        + "," + offsets[1] + "]") + " lie outside the " + dataLength + " bytes of data; the file is"
                        + " truncated or corrupt");
            }
            if (end - begin != count * elementBytes) {
                throw new InvalidInputException(where + ": shape " + Arrays.toString(shape) + " needs "
                        + count * elementBytes + " bytes, data_offsets give " + (end - begin));
            }
            if (count > Safetensors.MAX_TENSOR_VALUES) {
                throw new InvalidInputException(where + " holds " + count + " values; nn4j holds at most "
                        + Safetensors.MAX_TENSOR_VALUES + " in one tensor");
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        /**
         * The list of at most {@code max} whole numbers at {@code token} (a number that is not whole, or
         * out of a long's range, is -1), or null when it is no list or a longer one.
         */
        private static List<JsonNodeText> wholeNumbers(JsonParser p, JsonToken token, String where, String field,
                int max) throws IOException {
            if (token != JsonToken.START_ARRAY) {
                p.skipChildren();
                return null;
            }
            List<JsonNodeText> numbers = new ArrayList<>();
            boolean tooMany = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                tooMany |= numbers.size() == max;
                if (tooMany && field.equals("shape")) {
                    throw new InvalidInputException(where + " has a shape of more than " + max + " dimensions");
                }
                if (!tooMany) {
                    boolean whole = t == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
                    numbers.add(new JsonNodeText(p.getText(), whole ? p.getLongValue() : -1));
                }
                p.skipChildren();
            }
            return tooMany ? null : numbers;
        }
    }

    /** A number of a header list as written, and its value (-1 when it is not a whole number of a long's range). */
    private record JsonNodeText(String text, long value) {
        static String list(List<JsonNodeText> numbers) {
            return "[" + String.join(",", numbers.stream().map(JsonNodeText::text).toList()) + "]";
        }
    }
}
