"""Automatic feedback for the book's exercises.

A student calls a check in the cell of an exercise, ``exercises.check_output_deltas(f)``;
it prints what is right or which mistake the answer most likely contains, and returns a
:class:`Feedback`. It **never raises**. The references are derived at check time from the
package's general code (:mod:`backprop.symbolic`, :mod:`backprop.network`, ...), never
stored, so the student edition carries no answer.

The subpackage is the feedback framework (:mod:`.framework`: the check shape, variants,
time limits; :mod:`.wire`: the plain-data channel between the student's code and the
judge; :mod:`.judging`: tolerant comparisons) and the checks of each part of the book:
:mod:`.foundations`, :mod:`.backpropagation` (and, each in its own module so that no module
passes 500 lines, :mod:`.backpropagation_bugs` for its find-the-bug exercises,
:mod:`.gradient_checking` for ``book/gradient-checking`` and :mod:`.computational_graphs`
for ``book/computational-graphs``), :mod:`.watching` (and :mod:`.watching_bugs`),
:mod:`.appendices`.
Writing a new check is described in ``CONTRIBUTING.md``; the grader (``tools/coursework``)
runs the two halves of every check apart, the student's half in a sandbox; instructors
read about both in ``book/instructor-guide``.
"""

from __future__ import annotations

from .appendices import check_bishop_delta, check_nielsen_deltas, check_nielsen_step
from .backpropagation import (
                              check_backward_deltas,
                              check_hidden_delta,
                              check_hidden_deltas,
                              check_linear_hidden_deltas,
                              check_mazur_bias_gradient,
                              check_mazur_step,
                              check_online_network_epoch,
                              check_output_deltas,
                              check_output_weight_gradient,
                              check_tanh_bias_gradient,
)
from .backpropagation_bugs import (
                              check_hidden_deltas_fixed,
                              check_output_step,
                              check_post_gradients,
                              check_sgd_step,
                              check_weight_gradients,
)
from .computational_graphs import (
                              check_div_local,
                              check_sweep_fixed,
                              check_tied_weight_gradient,
)
from .foundations import (
                              check_batch_step,
                              check_bipolar_sigmoid_slope,
                              check_critical_rate,
                              check_gradient_descent,
                              check_online_delta_rule,
                              check_parity_sums,
                              check_perceptron_epoch,
                              check_tanh_delta,
                              check_xor_gates,
)
from .framework import (
                              CHECKERS,
                              NOT_YET,
                              TIME_LIMIT,
                              Call,
                              Checker,
                              Feedback,
                              Plan,
                              Ran,
                              Verdict,
                              checker,
                              clear_results,
                              correct,
                              current_student,
                              not_yet,
                              passed,
                              results,
                              run_limited,
                              set_student,
                              stopped,
                              student_rng,
                              variant_sizes,
                              wrong,
)
from .gradient_checking import check_best_step, check_fixed_gradients, check_gradient_check
from .watching import (
                              check_line_errors,
                              check_log_softmax,
                              check_momentum_epochs,
                              check_net_along_normal,
                              check_softmax_gradients,
                              check_symmetric_twin,
                              check_tanh_as_sigmoids,
                              check_tanh_cross_entropy_delta,
                              check_xor_of_blobs,
                              check_xor_origin,
)
from .watching_bugs import check_relu_hidden_deltas, check_slice_errors, check_xor_starts

__all__ = [
    # the framework (a new check is written with these)
    "CHECKERS", "NOT_YET", "TIME_LIMIT", "Call", "Checker", "Feedback", "Plan", "Ran", "Verdict",
    "checker", "clear_results", "correct", "current_student", "not_yet", "passed", "results",
    "run_limited", "set_student", "stopped", "student_rng", "variant_sizes", "wrong",
    # the checks the chapters call, by part of the book
    "check_backward_deltas", "check_batch_step", "check_best_step",
    "check_bipolar_sigmoid_slope", "check_critical_rate", "check_xor_gates",
    "check_bishop_delta", "check_fixed_gradients", "check_gradient_check",
    "check_hidden_deltas_fixed", "check_output_step", "check_post_gradients",
    "check_sgd_step", "check_weight_gradients", "check_relu_hidden_deltas",
    "check_slice_errors", "check_xor_starts", "check_nielsen_step",
    "check_div_local", "check_sweep_fixed", "check_tied_weight_gradient",
    "check_gradient_descent", "check_hidden_delta", "check_hidden_deltas", "check_line_errors",
    "check_linear_hidden_deltas", "check_mazur_bias_gradient", "check_mazur_step",
    "check_momentum_epochs", "check_net_along_normal", "check_nielsen_deltas",
    "check_online_delta_rule", "check_online_network_epoch", "check_output_deltas",
    "check_output_weight_gradient", "check_parity_sums", "check_perceptron_epoch",
    "check_symmetric_twin", "check_tanh_as_sigmoids", "check_tanh_bias_gradient",
    "check_tanh_delta", "check_xor_of_blobs", "check_xor_origin",
    "check_log_softmax", "check_softmax_gradients", "check_tanh_cross_entropy_delta",
]
