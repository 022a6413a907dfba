package dev.argondb.controlplane.roles;

import java.security.SecureRandom;

/**
 * Random passwords for {@code reset_password} and {@code generate_password}: returned to the caller once,
 * then only their verifier exists. Letters and digits only, so they survive URLs and shells unquoted.
 */
public final class GeneratedPasswords {
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  /** 24 symbols of a 57-letter alphabet: about 140 bits. */
  private static final int LENGTH = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedPasswords() {}

  public static String next() {
    StringBuilder password = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }
}
