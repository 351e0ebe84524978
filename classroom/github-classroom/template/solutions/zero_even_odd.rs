// Print Zero Even Odd (LeetCode 1116): three threads print "0102030405..." up to n: `zero`
// prints the zeros, `odd` the odd numbers, `even` the even ones.
// Check it: threadlab-grader check -e zero-even-odd solutions/zero_even_odd.rs

pub struct ZeroEvenOdd {
    n: usize,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n }
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        todo!("print 0 before each of 1..=n")
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        todo!("print the even numbers up to n")
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        todo!("print the odd numbers up to n")
    }
}
