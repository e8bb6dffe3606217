"""The offloading problem and the learned policy: profiles, delay model, exact solvers, data."""
