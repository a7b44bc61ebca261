#!/usr/bin/env python3
"""onnx.checker (full check) and shape inference on every file given; for float models the
inferred output shape must be the declared one. Exit 1 on the first failure."""
import sys

import onnx


def main():
    for path in sys.argv[1:]:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        custom = any(n.domain not in ("", "ai.onnx") for n in model.graph.node)
        # Quant (domain qonnx.custom_op.general) has no ONNX schema: strict inference would
        # reject it, so QONNX files get the non-strict pass (the checker still ran fully).
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=not custom)
        if not custom:
            out = inferred.graph.output[0].type.tensor_type.shape.dim
            declared = model.graph.output[0].type.tensor_type.shape.dim
            if [d.dim_value for d in out] != [d.dim_value for d in declared]:
                print(f"{path}: inferred output shape differs from the declared one")
                return 1
        print(f"ok {path} ({len(model.graph.node)} nodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
