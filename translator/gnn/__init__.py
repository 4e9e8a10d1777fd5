"""The learned matcher: a relational GNN shared by both graphs, trained on transformed pairs.

Modules: :mod:`~translator.gnn.data` (a SchemaGraph as model input), :mod:`~translator.gnn.encoder`
(the relational encoder), :mod:`~translator.gnn.augment` (the transforms that make training pairs),
:mod:`~translator.gnn.training` (loss, training epoch and evaluation as plain functions),
:mod:`~translator.gnn.training_run` (a whole training run, ``tolka train``), :mod:`~translator.gnn.split`
(the validation graphs: whole model families the model never trains on),
:mod:`~translator.gnn.calibration` (the match probability, fitted and measured on different validation
families).
"""
