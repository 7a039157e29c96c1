#!/usr/bin/env python3
"""Checks packaging/spack's recipe without Spack (not packaged here): it must
parse as Python, define a CMakePackage named Partita, and depend on what the
build needs (mpi, eigen, random123, the launcher's fmt/toml11/cli11, OpenBLAS
for the dense kernel), with variants for the launcher and BLAS."""
import ast
import sys

path = sys.argv[1]
tree = ast.parse(open(path).read(), path)
classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
assert [c.name for c in classes] == ["Partita"], f"{path}: expected one class Partita"
assert any(getattr(b, "id", None) == "CMakePackage" for b in classes[0].bases), "Partita must be a CMakePackage"
calls = [n for n in ast.walk(classes[0]) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
depends = {c.args[0].value.split("@")[0] for c in calls if c.func.id == "depends_on"}
variants = {c.args[0].value for c in calls if c.func.id == "variant"}
missing = {"mpi", "eigen", "random123", "fmt", "toml11", "cli11", "openblas", "cmake"} - depends
assert not missing, f"{path}: no depends_on for {sorted(missing)}"
assert {"launcher", "blas"} <= variants, f"{path}: variants are {sorted(variants)}"
assert any(isinstance(n, ast.FunctionDef) and n.name == "cmake_args" for n in classes[0].body), "no cmake_args"
print(f"{path}: Partita(CMakePackage) depends on {sorted(depends)}, variants {sorted(variants)}")
