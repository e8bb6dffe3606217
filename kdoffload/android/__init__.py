"""`kdoffload android`: a phone (or the emulated one) driven through adb."""
