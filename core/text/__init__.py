"""Text side of T2F: a sentencepiece tokenizer and the LSTM text encoder."""

from core.text.encoder import TextEncoder
from core.text.tokenizer import Tokenizer

__all__ = ["TextEncoder", "Tokenizer"]
