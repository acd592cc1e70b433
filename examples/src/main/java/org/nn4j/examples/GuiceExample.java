package org.nn4j.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.inject.Nn4jModule;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;

/**
 * nn4j through Guice: the backend and dtype chosen at run time ({@code -Dnn4j.backend}, {@code
 * NN4J_BACKEND}, else the best available; float32 unless {@code -Dnn4j.dtype}), one binding for the
 * application, and models from the injected factory. Argument: a backend name (default: none, the run
 * time's choice).
 */
public final class GuiceExample {

    private GuiceExample() {
    }

    public static void main(String[] args) {
        String backendName = args.length > 0 ? args[0] : null;
        // README: guice
        Injector injector = Guice.createInjector(Nn4jModule.select(backendName, null, DType.FLOAT32));
        NetworkFactory factory = injector.getInstance(NetworkFactory.class);
        Model model = factory.model(ModelSpec.builder(784).layer("linear", "out_features", 64).layer("relu")
                .layer("linear", "out_features", 10).build(), 42);
        System.out.println(model.spec().summary() + " on " + factory.backend().name() + ", " + factory.dtype());
        // README end
    }
}
