"""Knowledge distillation: the KD loss, student training, the (T, alpha) sweep and ablations."""
