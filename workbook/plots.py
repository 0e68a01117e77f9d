"""Pictures of training: loss curves, torch's beside mytensor's, and a classifier's decision boundary.

Like :mod:`workbook.draw`, each function returns one matplotlib ``Figure``
made without pyplot, which a notebook shows once. The mytensor side is given
as a function of no arguments; when it fails (a task not started yet, say),
its part of the picture becomes a sentence saying why, and torch's part is
drawn all the same.

Examples
--------
>>> from workbook import plots
>>> plots.loss_curves([3.0, 2.0, 1.5], lambda: [3.0, 2.0, 1.5])
<Figure size ... with 1 Axes>
"""

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .draw import PALETTE, _reason
from .language import text as message
from .svg import show_in_notebooks

__all__ = ["loss_curves", "decision_boundary"]

_SIZE = (6.4, 3.6)  # inches: one readable panel at JupyterLab's width


def _attempt(make):
    """``(result, None)`` from ``make()``, or ``(None, a sentence saying why it failed)``."""
    try:
        return make(), None
    except Exception as error:  # the student's side failing is what the picture reports
        return None, _reason(error)


def _say(ax, text):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", wrap=True, fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "#F4F4F4", "edgecolor": "#BBBBBB"})


def loss_curves(torch_losses, my_losses, title=None):
    """One figure with torch's loss curve and mytensor's on the same axes.

    Parameters
    ----------
    torch_losses : sequence of float
        torch's loss after each step.
    my_losses : function of no arguments
        Runs the same training with mytensor and returns its losses.
    title : str, optional
        By default "loss per step" in the student's language.

    Returns
    -------
    matplotlib.figure.Figure
        torch's curve as a thick line, mytensor's dashed on top of it: where
        the two agree, the dashes lie inside the thick line.
    """
    show_in_notebooks()
    fig = Figure(figsize=_SIZE, facecolor="white")
    ax = fig.add_subplot()
    steps = np.arange(1, len(torch_losses) + 1)
    ax.plot(steps, torch_losses, color=PALETTE[1], linewidth=5, label="torch")
    mine, why = _attempt(my_losses)
    if why is None:
        ax.plot(np.arange(1, len(mine) + 1), mine, color=PALETTE[5], linewidth=1.5, linestyle="--", label="mytensor")
    else:
        _say(ax, f"mytensor: {why}")
    ax.set(xlabel=message("plots.step"), ylabel=message("plots.loss"), title=title or message("plots.loss_title"), yscale="log")
    ax.legend()
    return fig


def decision_boundary(predict, X, y, title=None):
    """The classes a two-class model gives to each point of the plane, and the data on top.

    Parameters
    ----------
    predict : function of no arguments
        Returns a function that maps an ``(n, 2)`` float32 array of points to
        their ``n`` scores (logits): class 1 where the score is above 0.
    X : ndarray of shape (n, 2)
        The data points.
    y : ndarray
        Their labels, 0 or 1.
    title : str, optional
        By default "what your mytensor model learned" in the student's language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    show_in_notebooks()
    fig = Figure(figsize=(_SIZE[1] * 1.4, _SIZE[1]), facecolor="white")
    ax = fig.add_subplot()
    scores, why = _attempt(lambda: _grid_scores(predict(), X))
    if why is None:
        grid_x, grid_y, values = scores
        ax.contourf(grid_x, grid_y, values > 0, levels=[-0.5, 0.5, 1.5], alpha=0.3,
                    cmap=ListedColormap([PALETTE[0], PALETTE[4]]))
        ax.contour(grid_x, grid_y, values, levels=[0.0], colors="#222222", linewidths=1)
    else:
        _say(ax, f"mytensor: {why}")
    labels = np.asarray(y).reshape(-1)
    for label, colour in ((0, PALETTE[0]), (1, PALETTE[4])):
        ax.scatter(*X[labels == label].T, s=12, color=colour, edgecolors="#222222", linewidths=0.3,
                   label=message("plots.class", label=label))
    ax.set(title=title or message("plots.boundary_title"), aspect="equal")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def _grid_scores(score, X, steps=120):
    """A grid over the data's box (with a margin) and ``score`` at each of its points."""
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], steps), np.linspace(low[1], high[1], steps))
    flat = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)
    return grid_x, grid_y, np.asarray(score(flat), dtype=np.float64).reshape(grid_x.shape)
