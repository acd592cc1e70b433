/**
 * ONNX export of nn4j models ({@link org.nn4j.onnx.OnnxExport}): a model file, its standardisation
 * included, as an ONNX graph that ONNX Runtime and other ONNX tools run, written without a protobuf
 * library.
 */
package org.nn4j.onnx;
