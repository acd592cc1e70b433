package org.nn4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.io.ModelFile;
import org.nn4j.onnx.OnnxExport;

/**
 * A model file as ONNX, as {@code nn export} writes it. Arguments: the model file (default {@code
 * model.safetensors}, what {@code nn train --out model.safetensors} wrote) and the ONNX file (default
 * {@code model.onnx}).
 */
public final class OnnxExample {

    private OnnxExample() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args.length > 0 ? args[0] : "model.safetensors");
        Path onnx = Path.of(args.length > 1 ? args[1] : "model.onnx");
        Backend backend = Backends.select(null);
        // README: onnx
        ModelFile.Loaded loaded = ModelFile.load(model, backend);
        OnnxExport.write(loaded, onnx);   // atomically; OnnxExport.toBytes(loaded) gives the bytes instead
        // README end
        System.out.println("wrote " + onnx);
    }
}
