"""Transform: annex mapping, cell normalisers and unit matching; pure functions, frames in and frames out."""
