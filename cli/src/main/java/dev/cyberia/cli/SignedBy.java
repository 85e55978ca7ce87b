package dev.cyberia.cli;

import dev.cyberia.keystore.Signature;

/** A signature and the address of the key that made it. */
record SignedBy(String address, Signature signature) {}
