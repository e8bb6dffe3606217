"""torch.export -> ExecuTorch .pte, its manifest, verification, and the clients' loading checks."""
