"""What every chapter uses: networks and their exact breakpoints, targets, the expression
parser, exact errors and rounding allowances (see :mod:`approxlab.theory`)."""
