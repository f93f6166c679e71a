package io.bramble.launcher;

public final class Bramble {
  public static void main(String[] args) {
    System.out.println("bramble");
  }
}
