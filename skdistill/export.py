"""Exporting a distilled student: ONNX for serving."""

from ._onnx import to_onnx

__all__ = ["to_onnx"]
